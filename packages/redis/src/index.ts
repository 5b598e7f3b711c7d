// @sluice/redis: see README.md. The exports land with the package's first feature commit.
export {};
