// The ESM build of the very Yjs instance @sdr/schema loads (bench/ has no node_modules of its own).
declare module '*/yjs/dist/yjs.mjs' {
  export * from 'yjs';
}
