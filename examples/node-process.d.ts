// Types for the part of "node:process" the examples use: the project has no @types/node
// (delete this file if it is ever added). An ambient module rather than a global `process`,
// so the browser/workerd code in js/ cannot use `process` without tsc noticing.
declare module "node:process" {
  const process: {
    env: Record<string, string | undefined>;
    stdout: { write(chunk: string): boolean };
    exitCode: number | string | undefined;
  };
  export default process;
}
