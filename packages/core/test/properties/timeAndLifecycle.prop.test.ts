// Property suite: time and lifecycle operators (subjects in ./subjects/timeAndLifecycle.ts, shared with the leak tests).
import { describe, it } from 'vitest';
import { propertyTests } from './harness';
import { timeAndLifecycleSubjects } from './subjects/timeAndLifecycle';

describe('time and lifecycle operators: properties under random schedules', () => {
  propertyTests(timeAndLifecycleSubjects, it);
});
