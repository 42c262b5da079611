// Public surface of @abs/core. Export only what other packages use.
export {};
