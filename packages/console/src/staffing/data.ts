import type { StaffingForecast } from '@huiliu/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../lib/api';
import { useSession } from '../lib/session';
import { canSupervise } from '../supervisor/data';

export type StaffingForecastView = z.infer<typeof StaffingForecast>;

export interface StaffingParams {
  date: string;
  channel: string;
  serviceLevel: number;
  targetSeconds?: number;
  targetAsaSeconds?: number;
  shrinkage: number;
  weeks: number;
  method: 'average' | 'weighted';
  ahtSeconds?: number;
  concurrency?: number;
}

export function useStaffingForecast(params: StaffingParams) {
  const { workspaceId, role } = useSession();
  return useQuery({
    enabled: canSupervise(role),
    queryKey: ['staffing', workspaceId, params],
    queryFn: () => api.get<StaffingForecastView>(`/workspaces/${workspaceId}/staffing/forecast`, { ...params }),
    placeholderData: keepPreviousData,
  });
}
