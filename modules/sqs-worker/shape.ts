/** The shape table moved to prop-shape.ts; this name stays for the modules that still import it. */
export * from "./prop-shape";
