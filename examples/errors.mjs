// @ts-check
// Handle errors: every HTTP failure is an `APIError` subclass named as in openai-node
// (400 BadRequestError, 401 AuthenticationError, 402 PaymentRequiredError, 404 NotFoundError,
// 429 RateLimitError, 5xx InternalServerError), with the status, the parsed body and the
// request id to quote to Baseten support.
//
//   BASETEN_API_KEY=... node examples/errors.mjs
import process from "node:process";
import { APIError, Client, NotFoundError } from "modelwire";

const client = new Client({
  baseURL: process.env.MODELWIRE_BASE_URL ?? "https://inference.baseten.co/v1",
  apiKey: process.env.BASETEN_API_KEY,
});

try {
  await client.chat.completions.create({
    model: "no-such-org/no-such-model",
    messages: [{ role: "user", content: "Hello" }],
  });
  console.log("unexpected: the call succeeded");
  process.exitCode = 1;
} catch (err) {
  if (err instanceof NotFoundError) {
    console.log(`NotFoundError: status=${err.status} request_id=${err.requestId}`);
    console.log(`body: ${JSON.stringify(err.error)}`);
  } else if (err instanceof APIError) {
    console.log(`${err.constructor.name}: status=${err.status} ${err.message}`);
    process.exitCode = 1;
  } else {
    throw err;
  }
}
