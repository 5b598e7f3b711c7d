// @sluice/rxjs public API: every export by name.

// ---- Observable → Flow --------------------------------------------------------------------------------------------
export { fromObservable, type FromObservableOptions } from './fromObservable';
export { controlled } from './controlled';

// ---- Flow → Observable --------------------------------------------------------------------------------------------
export { toObservable, sluiceSourceOf, type ToObservableOptions } from './toObservable';

// ---- RxJS operators inside a Flow ---------------------------------------------------------------------------------
export { viaRx, type ViaRxOptions } from './viaRx';

// ---- Bounded operators for RxJS pipelines -------------------------------------------------------------------------
export { backpressure, type BackpressureOptions } from './backpressure';

// ---- Types --------------------------------------------------------------------------------------------------------
export type { ObservableOverflow } from './internal/options';
