export type { Publisher } from './Publisher';
export type { Subscriber } from './Subscriber';
export type { Subscription } from './Subscription';
export type { Processor } from './Processor';
