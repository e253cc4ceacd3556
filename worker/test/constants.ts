/** Values shared by the gateway's test configuration (Node) and the tests themselves (workerd). */

/** Secret keys of the test configuration, by what they may do. */
export const TEST_API_KEY = "test-key"; // admin, site 12345
export const WRITER_KEY = "writer-key"; // orders:write, site 12345
export const READER_KEY = "reader-key"; // orders:read, site 12345
export const OTHER_SITE_KEY = "other-site-key"; // admin, site 67890
export const BURST_KEY = "burst-key"; // orders:write, for the rate-limit test
/** Its own key, because rate limits outlive a test file: spending BURST_KEY's would break access.test.ts. */
export const REST_BURST_KEY = "rest-burst-key"; // orders:write, for the REST rate-limit test
/** Polls delivery stats, so that waiting in tests does not spend other keys' rate limits. */
export const OBSERVER_KEY = "observer-key"; // orders:read, site 12345

/** Public (website form) keys. */
export const FORM_KEY = "pk_test_form";
export const TURNSTILE_FORM_KEY = "pk_test_turnstile";
export const FORM_ORIGIN = "https://shop.example";

/** The simulator answers at any host; these make requests to it easy to spot in test code. */
export const SIMULATOR_URL = "http://calltouch.test";
export const TURNSTILE_VERIFY_URL = "http://turnstile.test/turnstile/v0/siteverify";
export const SIMULATOR_TOKEN = "simulator-token";
export const SIMULATOR_SITE_ID = "12345";
export const OTHER_SITE_ID = "67890";
/** Requests per key per minute in tests (production's default is 600). */
export const KEY_RATE_LIMIT = 1000;
/** Orders per call in tests (production's default is the contract's 1000). */
export const MAX_ORDERS_PER_CALL = 300;

/** Signs the console's sessions in tests: a test that forges an expired session needs it. */
export const CONSOLE_SESSION_KEY = "console-session-key-of-the-tests-0123456789";
