// Workers bundlers import a .wasm file as a compiled module (js/workerd.js).
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
