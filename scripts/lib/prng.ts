/** The seeded PRNG of the demo seed and the benchmarks: the one the tests use too. */
export { prng } from '../../functions/src/test-support/prng.js';
