/** The agent console: mounts the app into #app. */
import { render } from 'preact';
import { unlockAudioOnGesture } from './alerts.ts';
import { App } from './components/App.tsx';
import './styles.css';

unlockAudioOnGesture();
const mount = document.getElementById('app');
if (mount) render(<App />, mount);
