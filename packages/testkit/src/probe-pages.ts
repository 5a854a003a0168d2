/**
 * Fixture pages that reach beyond themselves (to another origin, a WebSocket, a STUN server), so
 * a test can prove what a render let through. Those that mark `#done` do so by DONE_SCRIPT.
 */

/** A page that reaches out to `target` (an origin) with an image, a script, an iframe and fetch. */
export function embedsPage(target: string, holdMs: number): string {
  // A slow image of the page's own holds its load event that long.
  const hold = holdMs > 0 ? `<img src="/slow?ms=${holdMs}" width="1" height="1" alt="">` : "";
  return `<!doctype html><html><head><meta charset="utf-8"><title>embeds</title>
<script src="${target}/script.js"></script></head>
<body style="margin:0; background:#fff">${hold}
<img src="${target}/image.png" width="10" height="10" alt="">
<iframe src="${target}/frame" width="10" height="10"></iframe>
<script>fetch("${target}/fetch").catch(() => {});</script>
<div style="width:100px; height:100px; background:#0a0"></div></body></html>`;
}

/** Marks the page done with `state` in `#done`, for a render that waits for that selector. */
export const DONE_SCRIPT = `const done = (state) => {
  if (document.getElementById("done")) return;
  const mark = document.createElement("div");
  mark.id = "done";
  mark.textContent = state;
  document.body.append(mark);
};`;

/** A page that opens a WebSocket to `to`, and is done once it opened or failed. */
export function socketPage(to: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>socket</title></head>
<body style="margin:0; background:#0a0"><script>${DONE_SCRIPT}
try {
  const socket = new WebSocket(${JSON.stringify(to)});
  socket.onopen = () => done("open");
  socket.onerror = () => done("error");
} catch (error) {
  done("refused");
}
</script></body></html>`;
}

/**
 * A page that gathers WebRTC candidates against the STUN server `stun` (`host:port`, UDP), and
 * is done with their types (or `none`) once gathering ends, 3 s at most.
 */
export function webrtcPage(stun: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>webrtc</title></head>
<body style="margin:0; background:#00a"><script>${DONE_SCRIPT}
const types = [];
const finish = () => done(types.join(",") || "none");
try {
  // Where WebRTC was taken away, a page may still look for it in a fresh frame's window.
  const Connection = window.RTCPeerConnection ??
    document.body.appendChild(document.createElement("iframe")).contentWindow.RTCPeerConnection;
  const connection = new Connection({ iceServers: [{ urls: ${JSON.stringify(`stun:${stun}`)} }] });
  connection.createDataChannel("probe");
  connection.onicecandidate = (event) => (event.candidate ? types.push(event.candidate.type) : finish());
  connection.createOffer().then((offer) => connection.setLocalDescription(offer)).catch(finish);
  setTimeout(finish, 3000);
} catch {
  done("unavailable");
}
</script></body></html>`;
}
