// Only re-exports triggers; composition happens lazily inside each one.
export { accountdeleted } from "./triggers/accounts.js";
export { api } from "./triggers/api.js";
export { beforecreated, beforesignedin } from "./triggers/auth.js";
export { dashboard } from "./triggers/dashboard.js";
export { events } from "./triggers/events.js";
export { reencryptsecrets } from "./triggers/maintenance.js";
export { provisioninstance, reconcileinstances } from "./triggers/provisioning.js";
export { deliverwebhook } from "./triggers/webhooks.js";
