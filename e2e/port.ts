// The port `vite preview` serves the built app on during e2e runs (default 4173;
// STACKLENS_E2E_PORT overrides it, e.g. to run a second checkout's tests side by side).
export const APP_PORT = Number(process.env.STACKLENS_E2E_PORT || 4173);
export const APP_ORIGIN = `http://127.0.0.1:${APP_PORT}`;
/** Origins that count as "the app's own". */
export const APP_ORIGINS: readonly string[] = [APP_ORIGIN, `http://localhost:${APP_PORT}`];
