// Property suite: finalize and using (subjects in ./subjects/resources.ts, shared with the leak tests).
import { describe, it } from 'vitest';
import { propertyTests } from './harness';
import { resourceSubjects } from './subjects/resources';

describe('resource operators: properties under random schedules', () => {
  propertyTests(resourceSubjects, it);
});
