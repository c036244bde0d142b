/**
 * What `act` throws, for matching its fields with `toMatchObject` (jest's `toThrow` takes an
 * asymmetric matcher only as `any`). Fails the test when nothing is thrown.
 */
export function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error("expected it to throw, and it returned");
}
