/** The shape table is prop-shape.ts; modules outside the props slice still import it by this name. */
export * from "./prop-shape";
