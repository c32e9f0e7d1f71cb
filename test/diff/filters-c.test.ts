// Filters against sysdig 0.29.3, part 3 of 4 of the sample captures (see filter-oracle.ts);
// split so that each test file stays short.
import { filterTests } from './filter-oracle.js';

filterTests(2, 4);
