export { CLOUDFLARE_API_URL, createCloudflarePurger } from "./cloudflare-purger";
export { createFastlyPurger, FASTLY_API_URL } from "./fastly-purger";
export { type PurgerSettings, purgersFromConfig } from "./purgers-from-config";
export { createUrlPurger } from "./url-purger";
export { createXkeyPurger } from "./xkey-purger";
