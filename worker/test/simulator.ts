// Test-side access to the simulator's control endpoints (runs in workerd; outbound fetches reach
// the simulator Worker).
import { SIMULATOR_URL } from "./constants";

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${SIMULATOR_URL}/__simulator/${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`simulator ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export interface SimulatorRequest {
  seq: number;
  at: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: any;
  status: number;
  outcome: string;
  response: any;
  /** With `timeoutApplies`: the answer the request earned, which its sender never got. */
  lostResponse?: { status: number; body: any };
}

export interface SimulatorOrder {
  calltouchOrderId: number;
  orderNumber: string;
  [field: string]: unknown;
}

export const simulator = {
  /** Forgets requests and orders, and puts the configuration back to its defaults. */
  async reset(): Promise<void> {
    await call("DELETE", "requests");
    await call("DELETE", "config");
  },
  configure: (config: Record<string, unknown>) => call<Record<string, unknown>>("PUT", "config", config),
  requests: async () => (await call<{ requests: SimulatorRequest[] }>("GET", "requests")).requests,
  orders: async () => (await call<{ orders: SimulatorOrder[] }>("GET", "orders")).orders,
  stats: () => call<{ requests: number; maxInAnySecond: { all: number; admitted: number } }>("GET", "stats"),
};
