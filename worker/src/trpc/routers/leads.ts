import { type LeadReceipt, leadInput } from "@calltouch-gateway/contract";
import { TRPCError } from "@trpc/server";
import { orderOfLead, verifyHuman } from "../../access";
import { log } from "../../log";
import { acceptLead } from "../../services/orders";
import { invalidFields, leadProcedure, refused, router } from "../trpc";

/** What web pages may call, with a public key: the same lead as a website form, typed. */
export const leadsRouter = router({
  /**
   * Submits one lead: a new deal numbered by the gateway, with the key's defaults, behind Turnstile when
   * the key requires it. Sent once: a repeat would be a second lead, and a Turnstile token is good once.
   */
  submit: leadProcedure.input(leadInput).mutation(async ({ input, ctx }): Promise<LeadReceipt> => {
    const { principal } = ctx;
    const human = await verifyHuman(principal.key, input.turnstileToken, ctx.knock.ip, ctx.settings.turnstile);
    if (!human.ok) throw refused(ctx, human.error);
    const order = orderOfLead(principal.key, input, new Date());
    if (!order.ok) throw invalidFields(order.error);
    const accepted = await acceptLead(
      { env: ctx.env, requestId: ctx.requestId, site: principal.site, keyId: principal.keyId },
      order.value,
    );
    if (!accepted.ok) throw new TRPCError({ code: "CONFLICT", message: accepted.error.message });
    log("info", "lead accepted", { requestId: ctx.requestId, key: principal.keyId, orderNumber: accepted.value.orderNumber });
    return { receipt: accepted.value };
  }),
});
