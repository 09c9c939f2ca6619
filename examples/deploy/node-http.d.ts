// Types for the part of "node:http" examples/deploy/async-webhook.mjs uses (the project
// has no @types/node; see ../node-process.d.ts). Delete if @types/node is ever added.
declare module "node:http" {
  interface IncomingMessage extends AsyncIterable<Uint8Array<ArrayBuffer>> {
    headers: Record<string, string | string[] | undefined>;
  }
  interface ServerResponse {
    writeHead(status: number): { end(body?: string): void };
  }
  interface Server {
    listen(port: number, host: string, callback: () => void): Server;
    address(): { port: number } | string | null;
    close(): void;
  }
  export function createServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Server;
}
