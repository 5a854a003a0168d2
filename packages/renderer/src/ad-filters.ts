/**
 * The ad and tracker filters `blockAds` applies, in the Adblock Plus syntax that EasyList and
 * uBlock Origin use: the hosts of the largest ad, ad-verification and tracking networks, the
 * loader scripts of the common ad stacks, and the slots publishers place ads in (AdSense, Google
 * Publisher Tag, Amazon, Taboola, Outbrain and the usual ad-slot class names). Written for
 * shotcache and kept short on purpose: a screenshot needs its ads gone, not a privacy audit, and
 * the rules ship with the server, so nothing is fetched at run time. Operators add lists of their
 * own (EasyList, say) with SHOTCACHE_AD_FILTER_LISTS.
 */
export const AD_FILTERS = String.raw`
! Ad networks and exchanges
||doubleclick.net^
||googlesyndication.com^
||googleadservices.com^
||googletagservices.com^
||adservice.google.com^
||amazon-adsystem.com^
||adnxs.com^
||adsrvr.org^
||advertising.com^
||adform.net^
||bidswitch.net^
||casalemedia.com^
||criteo.com^
||criteo.net^
||media.net^
||openx.net^
||pubmatic.com^
||rubiconproject.com^
||sharethrough.com^
||smartadserver.com^
||teads.tv^
||3lift.com^
||yieldmo.com^
||serving-sys.com^
||taboola.com^
||outbrain.com^
||revcontent.com^
||mgid.com^
||ads-twitter.com^
||ads.linkedin.com^
||ads.yahoo.com^
! Ad verification and measurement
||moatads.com^
||doubleverify.com^
||adsafeprotected.com^
||scorecardresearch.com^
||quantserve.com^
! Trackers
||google-analytics.com^
||googletagmanager.com^
||connect.facebook.net^$third-party
||bat.bing.com^
||analytics.tiktok.com^
||hotjar.com^
||mc.yandex.ru^
! Ad loader scripts, wherever they are served from
/pagead/js/adsbygoogle.js
/pagead/show_ads.js
/tag/js/gpt.js
/prebid.js$script
/prebid.min.js$script
! Ad slots
##.adsbygoogle
##[id^="div-gpt-ad"]
##[id^="google_ads_iframe"]
##[data-ad-slot]
##[data-ad-unit]
##[aria-label="Advertisement"]
##iframe[src*="doubleclick.net"]
##iframe[src*="googlesyndication.com"]
##amp-ad
##amp-embed[type="taboola"]
##.ad-slot
##.ad-banner
##.ad-container
##.ad-unit
##.ad-wrapper
##.advertisement
##.banner-ad
##.dfp-ad
##.sponsored-ad
##.trc_related_container
##.OUTBRAIN
##[id^="amzn-assoc-ad"]
`;
