// Property suite: sources (subjects in ./subjects/sources.ts, shared with the leak tests).
import { describe, it } from 'vitest';
import { propertyTests } from './harness';
import { sourceSubjects } from './subjects/sources';

describe('sources: properties under random schedules', () => {
  propertyTests(sourceSubjects, it);
});
