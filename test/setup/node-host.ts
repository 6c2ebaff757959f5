// Installs what Node gives the browser-safe layers (the FFT's thread teams, the machine's
// memory and cores), as the package's "node" entries do for users: tests import the
// browser-safe sources directly.
import { installNodeHost } from "../../src/executors/node-host.js";

installNodeHost();
