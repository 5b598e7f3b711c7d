// rsocket-js 0.0.27 ships Flow types only; the interop tests use it untyped.
declare module 'rsocket-core';
declare module 'rsocket-flowable';
declare module 'rsocket-tcp-client';
declare module 'rsocket-tcp-server';
declare module 'rsocket-websocket-client';
declare module 'rsocket-websocket-server';
