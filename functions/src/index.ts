// Only re-exports triggers; composition happens lazily inside each one.
export { beforecreated, beforesignedin } from "./triggers/auth.js";
export { dashboard } from "./triggers/dashboard.js";
export { reencryptsecrets } from "./triggers/maintenance.js";
