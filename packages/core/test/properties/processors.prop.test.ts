// Property suite: processors (subjects in ./subjects/processors.ts, shared with the leak tests).
import { describe, it } from 'vitest';
import { propertyTests } from './harness';
import { processorSubjects } from './subjects/processors';

describe('processors: properties under random schedules', () => {
  propertyTests(processorSubjects, it);
});
