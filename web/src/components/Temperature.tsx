import { useI18n } from "../i18n";
import type { Temperature as TemperatureName } from "../types";

export function Temperature({ value }: { value: TemperatureName | null }) {
  const { t } = useI18n();
  const name = value ?? "none";
  return <span className={`temperature temperature-${name}`}>{t(`temperature.${name}`)}</span>;
}
