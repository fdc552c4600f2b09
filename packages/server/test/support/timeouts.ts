/**
 * Longer limits for the tests whose work grows with the product (every route in the catalogue)
 * or that run several server processes on a shared 2-core machine. Not timing asserts: they
 * only decide when a hung test is given up.
 */
export const WALKS_EVERY_ROUTE = { timeout: 300_000 };
export const SLOW_UNDER_LOAD = { timeout: 240_000 };
