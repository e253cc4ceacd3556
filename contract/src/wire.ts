/**
 * Calltouch's wire JSON for deals (`/lead-service/v1/api/client-order/create` and `/update`), as described
 * in `docs/calltouch-api.md`. Dates are site time `dd-MM-yyyy HH:mm:ss`, money is `"1000.00"`,
 * phones are digits with the country code. These types describe what the gateway sends; the compiler
 * never puts a key with an empty or `undefined` value into them.
 */

/**
 * `tagsLogic` of a matching item: whether a lead must carry all listed tags or any of them. Calltouch
 * documents `"and"`; `"or"` is its counterpart.
 *
 * @example { callId: 2, tags: ["тег1", "тег2"], tagsLogic: "and" }
 */
export type CalltouchTagsLogic = "and" | "or";

/**
 * How a contact matching item picks among the leads it finds (`*TypeToMatch`): the values Calltouch's
 * documentation shows.
 *
 * @example { phones: ["79157771122"], callTypeToMatch: "nearest" }
 */
export type CalltouchTypeToMatch = "nearest" | "nearestUniq" | "nearestUniqLead";

/**
 * Restricts a matching item to leads that carry tags.
 *
 * @example const filter: CalltouchTagFilter = { tags: ["тег"], tagsLogic: "and" };
 */
export interface CalltouchTagFilter {
  tags?: string[];
  tagsLogic?: CalltouchTagsLogic;
}

/**
 * What every contact matching item shares: the moment to search from and how far back, in minutes.
 *
 * @example const search: CalltouchContactSearch = { date: "19-07-2021 16:42:32", searchDepth: 259200 };
 */
export interface CalltouchContactSearch {
  /** Site time, `dd-MM-yyyy HH:mm:ss`. */
  date?: string;
  /** Minutes back from `date`; 259200 is 180 days. */
  searchDepth?: number;
}

/**
 * A deal's custom source (`customSourceParams`), used when no lead is found.
 *
 * @example const offline: CustomSource = { source: "офлайн-визит", medium: "офлайн-визит", campaign: "офлайн-визит" };
 */
export interface CustomSource {
  source: string;
  medium?: string;
  campaign?: string;
  content?: string;
  term?: string;
}

/**
 * One item of `matching` (create) or `reMatching` (update): the first item that finds a lead wins.
 *
 * @example const item: CalltouchMatchingItem = { type: "call", callParams: { callId: 123 } };
 */
export type CalltouchMatchingItem =
  | { type: "request"; requestParams: { requestId: number } & CalltouchTagFilter }
  | { type: "call"; callParams: { callId: number } & CalltouchTagFilter }
  | { type: "chat"; chatParams: { chatId: number } & CalltouchTagFilter }
  | { type: "session"; sessionParams: { sessionId: string[] } }
  | {
      type: "leadContact";
      leadContactParams: CalltouchContactSearch &
        CalltouchTagFilter & { phones?: string[]; emails?: string[]; leadTypeToMatch?: CalltouchTypeToMatch; withChats?: boolean };
    }
  | {
      type: "callContact";
      callContactParams: CalltouchContactSearch &
        CalltouchTagFilter & { phones?: string[]; md5Phones?: string[]; callTypeToMatch?: CalltouchTypeToMatch };
    }
  | {
      type: "requestContact";
      requestContactParams: CalltouchContactSearch &
        CalltouchTagFilter & { phones?: string[]; emails?: string[]; md5Phones?: string[]; requestTypeToMatch?: CalltouchTypeToMatch };
    }
  | {
      type: "chatContact";
      chatContactParams: CalltouchContactSearch &
        CalltouchTagFilter & {
          phones?: string[];
          emails?: string[];
          waPhones?: string[];
          tgIds?: string[];
          tgUsernames?: string[];
          vkIds?: string[];
          chatTypeToMatch?: CalltouchTypeToMatch;
        };
    }
  | { type: "customSources"; customSourceParams: CustomSource }
  | { type: "withoutSource" };

/**
 * The `type` of a matching item.
 *
 * @example const type: CalltouchMatchingType = "requestContact";
 */
export type CalltouchMatchingType = CalltouchMatchingItem["type"];

/**
 * `{tag}`, the shape of one tag in `addTags` and `addTagsToLead`.
 *
 * @example const tag: CalltouchTag = { tag: "Тег1" };
 */
export interface CalltouchTag {
  tag: string;
}

/**
 * A custom field of the deal or of its lead.
 *
 * @example const field: CalltouchCustomField = { field: "grossprofit", value: "456.50" };
 */
export interface CalltouchCustomField {
  field: string;
  value: string;
}

/**
 * A product of the deal; `price` is money.
 *
 * @example const product: CalltouchProduct = { name: "Табурет", price: "500.25", quantity: 10 };
 */
export interface CalltouchProduct {
  name: string;
  price: string;
  brand?: string;
  category?: string;
  variant?: string;
  quantity?: number;
}

/**
 * The deal's contacts as Calltouch stores them on the deal (they do not take part in matching).
 *
 * @example const contacts: CalltouchOrderContacts = { mainContacts: { fio: "Иван", phoneNumber: "79000000000" } };
 */
export interface CalltouchOrderContacts {
  mainContacts?: {
    fio?: string;
    phoneNumber?: string;
    email?: string;
    waPhone?: string;
    tgId?: string;
    tgUsername?: string;
    vkId?: string;
  };
  otherContacts?: {
    phoneNumber?: string[];
    email?: string[];
    waPhone?: string[];
    tgId?: string[];
    tgUsername?: string[];
    vkId?: string[];
  };
}

/**
 * Fields that create and update share, with the same shape in both.
 *
 * @example const shared: CalltouchOrderFields = { orderNumber: "42", revenue: "1000.00" };
 */
export interface CalltouchOrderFields {
  orderNumber: string;
  status?: string;
  statusDate?: string;
  funnel?: string;
  currency?: string;
  revenue?: string;
  margin?: string;
  manager?: string;
  orderLink?: string;
  orderName?: string;
  addTagsToLead?: { overwrite: boolean; tags: CalltouchTag[] };
  customFields?: CalltouchCustomField[];
  addCustomFieldsToLead?: { overwrite: boolean; customFields: CalltouchCustomField[] };
  products?: CalltouchProduct[];
  orderContacts?: CalltouchOrderContacts;
}

/**
 * One order of a create request.
 *
 * @example
 * const order: CalltouchCreateOrder = {
 *   orderNumber: "1",
 *   orderDate: "19-07-2021 16:42:32",
 *   statusDate: "19-07-2021 16:42:32",
 *   matching: [{ type: "withoutSource" }],
 * };
 */
export interface CalltouchCreateOrder extends CalltouchOrderFields {
  matching: CalltouchMatchingItem[];
  orderDate: string;
  statusDate: string;
  comment?: { text: string };
  /** A plain array on create (an object on update). */
  addTags?: CalltouchTag[];
}

/**
 * One order of an update request: only what changes besides `orderNumber`.
 *
 * @example const order: CalltouchUpdateOrder = { orderNumber: "1", status: "Оплачено", statusDate: "20-07-2021 10:00:00" };
 */
export interface CalltouchUpdateOrder extends CalltouchOrderFields {
  updateDate?: string;
  leadManager?: { manager: string; overwrite: boolean };
  addNewComment?: { text: string };
  /** An object on update (a plain array on create). */
  addTags?: { overwrite: boolean; tags: CalltouchTag[] };
  reMatching?: CalltouchMatchingItem[];
}

/**
 * The body of `POST /lead-service/v1/api/client-order/create`: at most 100 orders.
 *
 * @example const body: CalltouchCreateBody = { crm: "amoCRM", orders: [compileCreate(order, settings, new Date())] };
 */
export interface CalltouchCreateBody {
  crm: string;
  orders: CalltouchCreateOrder[];
}

/**
 * The body of `POST /lead-service/v1/api/client-order/update`: at most 100 orders.
 *
 * @example const body: CalltouchUpdateBody = { orders: [compileUpdate(order, settings, new Date())] };
 */
export interface CalltouchUpdateBody {
  crm?: string;
  orders: CalltouchUpdateOrder[];
}
