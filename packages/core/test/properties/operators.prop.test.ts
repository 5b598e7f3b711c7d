// Property suite: operators (subjects in ./subjects/operators.ts, shared with the leak tests).
import { describe, it } from 'vitest';
import { propertyTests } from './harness';
import { operatorSubjects } from './subjects/operators';

describe('operators: properties under random schedules', () => {
  propertyTests(operatorSubjects, it);
});
