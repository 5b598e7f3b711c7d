import { describe, expect, it } from 'vitest';
import { CancellationError, firstValue, map, of, OverflowError, range, type Subscriber } from '../../src/index';
import {
  invalidRequestError, nullArgumentError, nullResultError, nullSubscriberError, overDeliveryError, toError,
} from '../../src/internal/errors';
import { EmptyError } from '../../src/sinks/EmptyError';

// Every error the shared factories and classes create carries its stable code (docs/errors.md), which is what a
// program branches on; the code is not an enumerable property, so error equality and JSON are unchanged.

describe('error codes', () => {
  it('each factory and class sets its documented code and class', () => {
    const cases: [Error, string, ErrorConstructor | (new (...args: never[]) => Error)][] = [
      [invalidRequestError(0), 'ERR_SLUICE_INVALID_REQUEST', RangeError],
      [nullSubscriberError(), 'ERR_SLUICE_NULL_SUBSCRIBER', TypeError],
      [nullArgumentError('onNext', null), 'ERR_SLUICE_NULL_SIGNAL', TypeError],
      [nullResultError('map', 'mapper', undefined), 'ERR_SLUICE_NULL_RESULT', TypeError],
      [overDeliveryError('map', 0), 'ERR_SLUICE_OVER_DELIVERY', Error],
      [new OverflowError('buffer', 4, 5), 'ERR_SLUICE_OVERFLOW', OverflowError],
      [new CancellationError('create', 'terminated'), 'ERR_SLUICE_CANCELLED', CancellationError],
      [new EmptyError('firstValue'), 'ERR_SLUICE_EMPTY', EmptyError],
      [toError('a string'), 'ERR_SLUICE_NON_ERROR_THROWN', Error],
    ];
    for (const [error, code, type] of cases) {
      expect(error).toBeInstanceOf(type);
      expect((error as { code?: unknown }).code).toBe(code);
      expect(Object.keys(error)).not.toContain('code');
    }
    expect(toError(new Error('mine'))).not.toHaveProperty('code'); // an Error of the caller's is passed on untouched
  });

  it('reach the program through the stream: a §3.9 request and a null mapper result, an empty firstValue', async () => {
    const errors: Error[] = [];
    const subscriber = (request: number): Subscriber<unknown> => ({
      onSubscribe: (s) => s.request(request), onNext: () => {}, onError: (e) => errors.push(e), onComplete: () => {},
    });
    range(0, 3).subscribe(subscriber(-1));
    of(1).pipe(map(() => null as unknown as number)).subscribe(subscriber(1));
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['ERR_SLUICE_INVALID_REQUEST', 'ERR_SLUICE_NULL_RESULT']);
    await expect(firstValue(range(0, 0))).rejects.toMatchObject({ code: 'ERR_SLUICE_EMPTY', name: 'EmptyError' });
  });
});
