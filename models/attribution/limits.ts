// Cost guards of attribution over paths a caller brings (POST /api/v1/attribution). Markov removal
// effects solve the chain's linear system once per channel, each solve cubic in the chain's states,
// so the work grows as channels x states^3 while the body grows linearly. These caps keep one
// request well under a second of CPU, so it cannot starve the isolate's other requests.

/** Distinct channels in one request (every model's answer has a row per channel). */
export const ATTRIBUTION_MAX_CHANNELS = 100;
/** Transient states of the Markov chain (distinct runs of up to `order` channels, plus the start). */
export const MARKOV_MAX_STATES = 150;
