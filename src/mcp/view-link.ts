// Where the evidence view lives and how a tool links to it (MCP Apps: `_meta.ui.resourceUri`).
// A tool whose results the view can show adds `_meta: VIEW_TOOL_META` to its config; hosts without
// MCP Apps ignore it.

export const VIEW_URI = 'ui://sanad/evidence.html';

/** Both spellings: `ui.resourceUri` is the standard one, `ui/resourceUri` what older hosts read. */
export const VIEW_TOOL_META = { ui: { resourceUri: VIEW_URI }, 'ui/resourceUri': VIEW_URI };
