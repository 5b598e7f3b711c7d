// Property suite: combinators (subjects in ./subjects/combinators.ts, shared with the leak tests).
import { describe, it } from 'vitest';
import { propertyTests } from './harness';
import { combinatorSubjects } from './subjects/combinators';

describe('combinators: properties under random schedules', () => {
  propertyTests(combinatorSubjects, it);
});
