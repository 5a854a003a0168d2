export { availableOrSkip } from "./available-or-skip";
export { type FixtureSite, startFixtureSite } from "./fixture-site";
export { freePort } from "./free-port";
export { descendantsOf, isAlive, survivorsAfter } from "./processes";
export { type StartWebAppOptions, startWebApp, type WebApp } from "./web-app";
