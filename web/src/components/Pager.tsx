interface Props {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  disabled?: boolean;
  onPrevious: () => void;
  onNext: () => void;
}

export function Pager({ page, hasPrevious, hasNext, disabled, onPrevious, onNext }: Props) {
  return (
    <nav class="pager" aria-label="Findings pages">
      <button type="button" disabled={disabled || !hasPrevious} onClick={onPrevious}>
        Previous page
      </button>
      <span>Page {page}</span>
      <button type="button" disabled={disabled || !hasNext} onClick={onNext}>
        Next page
      </button>
    </nav>
  );
}
