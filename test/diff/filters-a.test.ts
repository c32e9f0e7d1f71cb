// Filters against sysdig 0.29.3, first half of the sample captures (see filter-oracle.ts).
import { filterTests } from './filter-oracle.js';

filterTests(0);
