/** A model to ask: a key of `llm.providers` and a model id at that provider. */
export interface ModelRef {
  provider: string;
  model: string;
}
