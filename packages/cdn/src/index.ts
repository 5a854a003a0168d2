export { purgersFromConfig } from "./purgers-from-config";
export { createXkeyPurger } from "./xkey-purger";
