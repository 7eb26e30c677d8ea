/**
 * The launcher's chat-bubble icon: an inline SVG, not an emoji (without an emoji font the emoji
 * was an empty box). It paints in currentColor, which the launcher sets to the readable black or
 * white on the theme colour. The console's theme preview draws the same icon.
 */
export function LauncherIcon() {
  return (
    <svg class="launcher-icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M12 3C6.5 3 2 6.6 2 11c0 2.4 1.3 4.5 3.4 6l-.9 3.6c-.1.4.3.7.7.5L9.6 19c.8.2 1.6.3 2.4.3 5.5 0 10-3.6 10-8.2S17.5 3 12 3Z" />
    </svg>
  );
}
