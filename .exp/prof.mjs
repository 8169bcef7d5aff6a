import { summariseProfile, profileTable } from "../build-bench/bench/cpu-profile.js";
const s = summariseProfile(process.argv[2], {});
console.log(profileTable(s));
