// What one page hands to the next within the console (no reload between pages).

/**
 * Matchers to prefill the next new-silence form with, taken from an alert's labels, and the id of
 * the silence just created, for the list to name; null when none.
 */
export const handoff = { silenceMatchers: null, createdSilence: null };
