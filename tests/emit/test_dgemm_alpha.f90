! DGEMM_ALPHA as a Fortran program calls it: compared with DGEMM over shapes
! that the scheme covers and shapes it hands to DGEMM, all TRANSA/TRANSB
! spellings, ALPHA/BETA including BETA = 0 over NaN, LDA/LDB/LDC above the
! minimum; and its argument checks through our own XERBLA. Exits with status 1
! on the first failure.
!
! Error bound (see tests/emit/kernel_check.hpp for the reasoning):
!   ||C - Cref||_F <= 64 * K * EPS * (|ALPHA| ||A||_F ||B||_F + |BETA| ||C0||_F)
! 64 = 2 * 2 * 2 * 4: Strassen has at most 2 non-zeros per column of U and V
! and 4 per row of W, each coefficient of magnitude 1.
MODULE XERBLA_CAPTURE
  IMPLICIT NONE
  INTEGER :: LAST_INFO = 0
  CHARACTER(LEN=32) :: LAST_NAME = ' '
END MODULE XERBLA_CAPTURE

! Replaces the library's XERBLA, which would print and stop.
SUBROUTINE XERBLA(SRNAME, INFO)
  USE XERBLA_CAPTURE
  IMPLICIT NONE
  CHARACTER(LEN=*), INTENT(IN) :: SRNAME
  INTEGER, INTENT(IN) :: INFO
  LAST_INFO = INFO
  LAST_NAME = SRNAME
END SUBROUTINE XERBLA

PROGRAM TEST_DGEMM_ALPHA
  USE, INTRINSIC :: IEEE_ARITHMETIC, ONLY: IEEE_VALUE, IEEE_QUIET_NAN
  USE XERBLA_CAPTURE
  IMPLICIT NONE
  EXTERNAL DGEMM, DGEMM_ALPHA
  INTEGER, PARAMETER :: NSIZES = 8
  INTEGER, PARAMETER :: SIZES(NSIZES) = (/ 0, 1, 2, 3, 4, 7, 8, 30 /)
  CHARACTER, PARAMETER :: TRANS(6) = (/ 'N', 'T', 'C', 'n', 't', 'c' /)
  DOUBLE PRECISION, PARAMETER :: ALPHAS(4) = (/ 1.0D0, -0.5D0, 1.5D0, 0.0D0 /)
  DOUBLE PRECISION, PARAMETER :: BETAS(4) = (/ 0.0D0, 1.0D0, -0.25D0, 0.5D0 /)
  INTEGER IM, IN, IK, CALLS, FAILURES

  CALLS = 0
  FAILURES = 0
  DO IM = 1, NSIZES
    DO IN = 1, NSIZES
      DO IK = 1, NSIZES
        CALL CHECK(TRANS(MOD(CALLS, 6) + 1), TRANS(MOD(CALLS / 6, 6) + 1), SIZES(IM), SIZES(IN), SIZES(IK), &
            ALPHAS(MOD(CALLS, 4) + 1), BETAS(MOD(CALLS / 4, 4) + 1), MOD(CALLS, 3))
        CALLS = CALLS + 1
      END DO
    END DO
  END DO
  CALL CHECK('T', 'N', 64, 48, 80, 0.75D0, 0.0D0, 2)
  CALL CHECK('N', 'C', 64, 48, 80, -1.0D0, 2.0D0, 0)

  CALL CHECK_INFO('X', 'N', 4, 4, 4, 4, 4, 4, 1)
  CALL CHECK_INFO('N', 'Y', 4, 4, 4, 4, 4, 4, 2)
  CALL CHECK_INFO('N', 'N', -1, 4, 4, 4, 4, 4, 3)
  CALL CHECK_INFO('N', 'N', 4, -1, 4, 4, 4, 4, 4)
  CALL CHECK_INFO('N', 'N', 4, 4, -1, 4, 4, 4, 5)
  CALL CHECK_INFO('N', 'N', 4, 4, 4, 3, 4, 4, 8)
  CALL CHECK_INFO('N', 'N', 4, 4, 6, 4, 5, 4, 10)
  CALL CHECK_INFO('N', 'N', 4, 4, 4, 4, 4, 3, 13)
  CALL CHECK_INFO('X', 'Y', -1, -1, -1, 0, 0, 0, 1)

  IF (FAILURES > 0) THEN
    PRINT '(I0, A)', FAILURES, ' failures'
    ERROR STOP 1
  END IF
  PRINT '(A, I0, A)', 'DGEMM_ALPHA matches DGEMM in ', CALLS + 2, ' calls; argument checks as DGEMM'

CONTAINS

  SUBROUTINE CHECK(TA, TB, M, N, K, ALPHA, BETA, PAD)
    CHARACTER, INTENT(IN) :: TA, TB
    INTEGER, INTENT(IN) :: M, N, K, PAD
    DOUBLE PRECISION, INTENT(IN) :: ALPHA, BETA
    DOUBLE PRECISION, ALLOCATABLE :: A(:,:), B(:,:), C(:,:), CREF(:,:)
    INTEGER ROWSA, COLSA, ROWSB, COLSB, LDA, LDB, LDC
    DOUBLE PRECISION ERR, BOUND, NC0
    LOGICAL NOTA, NOTB
    NOTA = TA == 'N' .OR. TA == 'n'
    NOTB = TB == 'N' .OR. TB == 'n'
    IF (NOTA) THEN
      ROWSA = M
      COLSA = K
    ELSE
      ROWSA = K
      COLSA = M
    END IF
    IF (NOTB) THEN
      ROWSB = K
      COLSB = N
    ELSE
      ROWSB = N
      COLSB = K
    END IF
    LDA = MAX(ROWSA, 1) + PAD
    LDB = MAX(ROWSB, 1) + PAD
    LDC = MAX(M, 1) + PAD
    ALLOCATE(A(LDA, MAX(COLSA, 1)), B(LDB, MAX(COLSB, 1)), C(LDC, MAX(N, 1)), CREF(LDC, MAX(N, 1)))
    CALL RANDOM_NUMBER(A)
    CALL RANDOM_NUMBER(B)
    CALL RANDOM_NUMBER(C)
    A = 2.0D0 * A - 1.0D0
    B = 2.0D0 * B - 1.0D0
    NC0 = NORM2(C(1:M, 1:N))
    IF (ABS(BETA) <= 0.0D0) THEN
      C(1:M, 1:N) = IEEE_VALUE(1.0D0, IEEE_QUIET_NAN)
      NC0 = 0.0D0
    END IF
    CREF = C
    CALL DGEMM(TA, TB, M, N, K, ALPHA, A, LDA, B, LDB, BETA, CREF, LDC)
    LAST_INFO = 0
    CALL DGEMM_ALPHA(TA, TB, M, N, K, ALPHA, A, LDA, B, LDB, BETA, C, LDC)
    ERR = NORM2(C(1:M, 1:N) - CREF(1:M, 1:N))
    BOUND = 64.0D0 * MAX(K, 1) * EPSILON(1.0D0) * &
        (ABS(ALPHA) * NORM2(A(1:ROWSA, 1:COLSA)) * NORM2(B(1:ROWSB, 1:COLSB)) + ABS(BETA) * NC0) + TINY(1.0D0)
    ! .NOT. (ERR <= BOUND) also catches NaN.
    IF (LAST_INFO /= 0 .OR. .NOT. (ERR <= BOUND)) THEN
      PRINT '(A, 2A2, 3I5, 2F8.3, I3, 2ES12.3)', 'FAIL: TRANSA TRANSB M N K ALPHA BETA PAD ERR BOUND', TA, TB, M, N, &
          K, ALPHA, BETA, PAD, ERR, BOUND
      FAILURES = FAILURES + 1
    END IF
  END SUBROUTINE CHECK

  SUBROUTINE CHECK_INFO(TA, TB, M, N, K, LDA, LDB, LDC, EXPECTED)
    CHARACTER, INTENT(IN) :: TA, TB
    INTEGER, INTENT(IN) :: M, N, K, LDA, LDB, LDC, EXPECTED
    DOUBLE PRECISION A(8,8), B(8,8), C(8,8)
    A = 1.0D0
    B = 1.0D0
    C = 7.0D0
    LAST_INFO = 0
    LAST_NAME = ' '
    CALL DGEMM_ALPHA(TA, TB, M, N, K, 1.0D0, A, LDA, B, LDB, 0.0D0, C, LDC)
    IF (LAST_INFO /= EXPECTED .OR. LAST_NAME /= 'DGEMM_ALPHA' .OR. ANY(ABS(C - 7.0D0) > 0.0D0)) THEN
      PRINT '(A, I0, A, I0, 2A)', 'FAIL: expected INFO ', EXPECTED, ', got ', LAST_INFO, ' from ', TRIM(LAST_NAME)
      FAILURES = FAILURES + 1
    END IF
  END SUBROUTINE CHECK_INFO

END PROGRAM TEST_DGEMM_ALPHA
