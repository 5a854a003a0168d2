vcl 4.1;
# Varnish 7 in front of shotcache, with vmod-xkey (Debian: varnish, varnish-modules).
# shotcache sends public images (signed URLs) with `Cache-Control: public, s-maxage=…` and tags
# them in `Surrogate-Key`; everything else is `private` or `no-store`, which Varnish passes.
# Purges: set SHOTCACHE_CDN_PURGE=xkey:http://<this varnish>/ on the origin.

import xkey;

# The origin: shotcache's production server.
backend shotcache {
    .host = "127.0.0.1";
    .port = "3000";
}

# Who may purge: the origin's address.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge) {
            # Drops every object carrying any of the space-separated tags.
            return (synth(200, "Purged " + xkey.purge(req.http.xkey-purge)));
        }
        return (purge);
    }
}

sub vcl_backend_response {
    # xkey indexes the `xkey` header: give it shotcache's surrogate keys.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # Varnish takes `stale-while-revalidate` as grace; without it, serve nothing past its
    # freshness (Varnish would otherwise allow 10 s of grace).
    if (beresp.http.Cache-Control !~ "stale-while-revalidate") {
        set beresp.grace = 0s;
    }
}

sub vcl_deliver {
    # Whether this answer came from the edge, for people and tests; the index stays inside.
    if (obj.hits > 0) {
        set resp.http.X-Edge-Cache = "HIT";
    } else {
        set resp.http.X-Edge-Cache = "MISS";
    }
    unset resp.http.xkey;
}
