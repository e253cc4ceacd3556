/** Values shared by the gateway's test configuration (Node) and the tests themselves (workerd). */
export const TEST_API_KEY = "test-key";
/** The simulator answers at any host; this one makes requests to it easy to spot in test code. */
export const SIMULATOR_URL = "http://calltouch.test";
export const SIMULATOR_TOKEN = "simulator-token";
export const SIMULATOR_SITE_ID = "12345";
