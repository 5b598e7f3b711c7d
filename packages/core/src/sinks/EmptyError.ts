/**
 * The rejection of `firstValue`/`lastValue` when the source completes without an item and no `defaultValue` was
 * given (RxJS's EmptyError, Reactor's NoSuchElementException).
 */
export class EmptyError extends Error {
  constructor(sink: string, message = `${sink}: the source completed without emitting any item; pass { defaultValue } to resolve with a fallback`) {
    super(message);
    this.name = 'EmptyError';
  }

  /** Always `'ERR_SLUICE_EMPTY'`. */
  get code(): 'ERR_SLUICE_EMPTY' {
    return 'ERR_SLUICE_EMPTY';
  }
}
