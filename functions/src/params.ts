import { defineInt, defineSecret } from "firebase-functions/params";

// Every parameter the functions read, declared once. Values are read only at run time.
// Locally the secrets come from functions/.secret.local, which `npm start` generates.
export const dataKeys = defineSecret("WSAPI_DATA_KEYS");
export const apiKeyPepper = defineSecret("WSAPI_API_KEY_PEPPER");
export const gatewaySigningKey = defineSecret("WSAPI_GATEWAY_SIGNING_KEY");
export const sessionDays = defineInt("WSAPI_SESSION_DAYS", { default: 5 });
