// The naive forwarder: each deal POSTed here goes to Calltouch at once, in a request of its own, as most
// integrations do. Calltouch allows 5 requests per second, so under load it answers 429; this forwarder
// tries a throttled deal again one second later, up to MAX_RETRIES times, and then gives up (the caller
// gets the 429: the deal is lost unless the caller retries). Any other answer is passed on as it is.
// The body must already be a Calltouch CreateOrder (the bench compiles it with the gateway's dry run).

interface Env {
  CALLTOUCH_BASE_URL: string;
  CALLTOUCH_TOKEN: string;
  CALLTOUCH_SITE_ID: string;
  CALLTOUCH_CRM: string;
  MAX_RETRIES: string;
}

const CREATE_PATH = "/lead-service/v1/api/client-order/create";
const RETRY_AFTER_MS = 1000;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    // Anything but a POST gets this line, which also tells the bench that the Worker is up.
    if (request.method !== "POST") return new Response("naive forwarder: POST one Calltouch CreateOrder\n");
    const body = JSON.stringify({ crm: env.CALLTOUCH_CRM, orders: [await request.json()] });
    const maxRetries = Number(env.MAX_RETRIES);
    for (let attempt = 1; ; attempt++) {
      const upstream = await fetch(env.CALLTOUCH_BASE_URL + CREATE_PATH, {
        method: "POST",
        headers: { "Access-Token": env.CALLTOUCH_TOKEN, SiteId: env.CALLTOUCH_SITE_ID, "Content-Type": "application/json" },
        body,
      });
      if (upstream.status !== 429 || attempt > maxRetries) return new Response(upstream.body, upstream);
      await upstream.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
    }
  },
};
