/** host:port of the Auth emulator, from firebase.json at build time (used only with a demo-* project). */
declare const __AUTH_EMULATOR_HOST__: string;
