/**
 * Loaded last by both layouts, after every page module (module scripts run in document order): marks the document
 * as wired. Until then the CSS keeps controls that only work with script ([type=button], [data-needs-js]) invisible,
 * so nobody — person or test driver — clicks a button whose handler is not attached yet.
 */
document.documentElement.dataset.ready = 'true';
