// The playground's starting content: the demo tool definitions and JSON schema the settings
// open with, and the made-up results that answer the demo tool's calls.

export const DEFAULT_TOOLS = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Current weather in a city.",
      parameters: {
        type: "object",
        properties: {
          city: { type: "string", description: "City name, e.g. Paris" },
          unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        },
        required: ["city"],
      },
    },
  },
];

export const DEFAULT_SCHEMA = {
  type: "object",
  properties: {
    topic: { type: "string" },
    greetings: {
      type: "array",
      minItems: 3,
      maxItems: 3,
      items: {
        type: "object",
        properties: { language: { type: "string" }, text: { type: "string" } },
        required: ["language", "text"],
      },
    },
    confidence: { type: "number", minimum: 0, maximum: 1 },
  },
  required: ["topic", "greetings", "confidence"],
};

/**
 * A made-up result for a tool call, so a round trip works without a real tool.
 * @param {string} name @param {any} args
 */
export function demoResult(name, args) {
  if (name === "get_weather") {
    const unit = args?.unit === "fahrenheit" ? "fahrenheit" : "celsius";
    return { city: args?.city ?? "Paris", temperature: unit === "celsius" ? 21 : 70, unit, conditions: "sunny" };
  }
  return { ok: true, tool: name, note: "demo result from the playground", arguments: args ?? null };
}
